import { ComingScreen } from '../../components/empty-state';

/** Source mailings per client (their IDs go into `broadmail_ID`). */
export function MailingsScreen() {
  return (
    <ComingScreen
      title="Mailings"
      lead="The source mailings you created in Optimizely Campaign, per client."
      arrivesWith="the mailings feature"
      points={[
        'See every source mailing ID and name for each client, and retire the ones you no longer use.',
        'Check which sends used a mailing and how they performed.',
      ]}
    >
      <p className="note">
        You can already record source mailings for each client: <a href="#/connections">Connections</a> → Edit → Clients.
      </p>
    </ComingScreen>
  );
}

/** Preparing and uploading a recipient file. */
export function NewSendScreen() {
  return (
    <ComingScreen
      title="New send"
      lead="Prepare a recipient file and upload it to the closed-loop interface."
      arrivesWith="the sends feature"
      points={[
        'Pick a connection, a client and a source mailing.',
        'Load recipients from CSV or Excel, map columns to the master-list fields and see every invalid row before anything is uploaded.',
        'Send a test to the client’s test recipients first, then send now or schedule it.',
      ]}
    />
  );
}

/** Status of uploaded recipient files. */
export function SendsScreen() {
  return (
    <ComingScreen
      title="Sends"
      lead="Every recipient file you uploaded and what the server did with it."
      arrivesWith="the sends feature"
      points={[
        'Follow each upload through received, imported, mailing created, sending started and finished.',
        'See the server’s error file line by line when an import fails, and what to fix.',
        'Open the archived copy of any uploaded file to audit or resend it.',
      ]}
    />
  );
}

/** Response data downloaded from the server. */
export function ResponsesScreen() {
  return (
    <ComingScreen
      title="Responses"
      lead="Opens, clicks, bounces and unsubscribes from the daily response export."
      arrivesWith="the responses feature"
      points={[
        'Download the daily response files automatically and keep their history beyond the server’s 30 days.',
        'Report opens, clicks and unsubscribes per send and per mailing.',
        'Export the results to CSV or Excel.',
      ]}
    />
  );
}
