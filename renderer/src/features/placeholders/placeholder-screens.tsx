import { ComingScreen } from '../../components/empty-state';

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
