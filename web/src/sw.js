// @ts-check
// Offline support: precaches the page's own assets (the list and the
// version are stamped in by web/build.mjs) and answers from that cache
// when the network is gone. Online, the network answers first, so a
// rebuilt page is never hidden behind an old cache. Only same-origin GET
// requests are handled; the page makes no others.

const VERSION = '__VERSION__';
const ASSETS = __ASSETS__;
const CACHE = `expert-web-${VERSION}`;
/** This script runs as the page's service worker. */
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

sw.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(ASSETS.map((a) => new Request(a, { cache: 'reload' })))).then(() => sw.skipWaiting()));
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('expert-web-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== sw.location.origin) return;
  event.respondWith(
    fetch(req).catch(async () => {
      const hit = await caches.match(req, { cacheName: CACHE, ignoreSearch: true });
      if (hit) return hit;
      return new Response('offline and not cached', { status: 504, headers: { 'content-type': 'text/plain' } });
    }),
  );
});
