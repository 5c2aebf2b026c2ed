import { themeQuartz } from 'ag-grid-community';

/** Quartz, tuned to the app's palette, with a dark variant picked by `data-ag-theme-mode` on the body. */
export const gridTheme = themeQuartz
  .withParams(
    { accentColor: '#2563eb', backgroundColor: '#ffffff', foregroundColor: '#1f2933', headerBackgroundColor: '#f4f6f8', fontFamily: 'inherit', fontSize: 13 },
    'light',
  )
  .withParams(
    { accentColor: '#60a5fa', backgroundColor: '#1b2129', foregroundColor: '#e3e8ee', headerBackgroundColor: '#222a33', browserColorScheme: 'dark', fontFamily: 'inherit', fontSize: 13 },
    'dark',
  );
