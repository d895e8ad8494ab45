// The page is live data over a WebSocket: prerendering would freeze nothing useful.
export const prerender = false;
