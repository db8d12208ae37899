// A dynamic route: its parameter comes from the bundle, so there is nothing to prerender. The static
// build serves it through the SPA fallback (404.html) and the page loads its data client-side.
export const prerender = false;
