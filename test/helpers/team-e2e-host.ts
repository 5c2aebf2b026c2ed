/**
 * A team for the browser tests, in its own process (run with `node --import tsx`; Playwright's
 * loader cannot import the services): a PostgreSQL cluster, the sandbox and two workstation
 * data dirs `a` and `b` that joined the team, with one client whose real sends need four-eyes
 * approval. Prints one JSON line with what the test needs, then runs until SIGTERM.
 * Arguments: seed.
 */
import { join } from 'node:path';
import { startTeam } from './team-setup';

const team = await startTeam(['a', 'b'], { seed: process.argv[2] ?? 'e2e', client: { fourEyes: true } });
process.stdout.write(
  `${JSON.stringify({
    dataDirs: team.dataDirs,
    env: Object.fromEntries(Object.entries(team.env).filter(([k]) => k === 'LOOPDESK_TEAM_PASSWORD' || k.endsWith('_SB_PW'))),
    url: team.pg.url,
    password: team.pg.password,
    recipients: team.recipients,
    mailingIds: team.client.mailingIds,
    logDir: join(team.client.localDir, 'logs'),
  })}\n`,
);
await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
await team.stop();
process.exit(0);
