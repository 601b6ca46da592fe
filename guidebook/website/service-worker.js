// The guide's service worker. guidebook/website/offline.py writes it into each build of
// the website as sw.js, with that build's cache name and files in place of the names in
// capitals. It keeps one build of one edition on the reader's device, and never mixes two:
//
// - Installing, it copies every file of its build into a cache of its own, named after
//   the edition and a hash of those files. Each file is fetched past the browser's HTTP
//   cache and checked against its hash, so a file of another build (an older stylesheet
//   held by a cache on the way, a build published meanwhile) fails the install, and the
//   version the reader has stays as it is.
// - Pages and files are then served from that cache only (cache first); the network is
//   asked only for what the build does not list. Offline, an unknown page gets the 404 page.
// - The first worker takes over at once. A later one (a new build was published) waits:
//   offline.js shows "A new version of this guide is ready", and its button tells the
//   worker to take over; then every open page of the guide loads again, from the new
//   cache, and the old caches of this guide are deleted. A reader who closes the guide
//   instead gets the new version at the next visit.
//
// It fetches the guide's own files from the guide's own server and sends nothing anywhere.

const CACHE = __CACHE__;
const CACHE_PREFIX = __CACHE_PREFIX__;  // every cache of this guide, whatever its build
const FILES = __FILES__;  // [path from the site's root, hash]
const ROOT = new URL("./", self.location);

self.addEventListener("install", (event) => {
  const requests = FILES.map(([path, integrity]) => new Request(new URL(path, ROOT), { cache: "reload", integrity }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(requests)));
});

self.addEventListener("message", (event) => {
  if (event.data === "take-over") self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== ROOT.origin || !url.pathname.startsWith(ROOT.pathname)) return;
  // One copy of each file: search.html?q=… is search.html, guide.css?v=… is guide.css, a folder is its index.
  url.search = "";
  url.hash = "";
  if (url.pathname.endsWith("/")) url.pathname += "index.html";
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(url, { ignoreVary: true });
    if (cached) return cached;
    try {
      return await fetch(request);
    } catch (error) {
      const missing = request.mode === "navigate" && await cache.match(new URL("404.html", ROOT));
      if (!missing) throw error;
      return new Response(missing.body, { status: 404, headers: missing.headers });
    }
  })());
});
