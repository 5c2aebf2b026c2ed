/** Full-window message when the window cannot reach its host at all. */
export function ConnectionFailure(props: { message: string }) {
  return (
    <main className="connection-failure" id="main">
      <h1>Loopdesk cannot reach its host</h1>
      <p role="alert">{props.message}</p>
    </main>
  );
}
