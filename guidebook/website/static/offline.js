// Keeps the whole guide on this device for reading offline, through the guide's own
// service worker (sw.js, beside the pages; see guidebook/website/service-worker.js), and
// offers a new version of the guide when one is published. The worker copies the guide's
// own files from its own server; nothing is sent anywhere. Without this script, or in a
// browser without service workers, the guide works as any website does.
(() => {
  if (!("serviceWorker" in navigator)) return;
  const workers = navigator.serviceWorker;
  const root = new URL("..", document.currentScript.src);
  const HOUR = 60 * 60 * 1000;

  // A page of one version is never left open with the files of another: when a new
  // version takes over, every open page of the guide loads again. (The first worker
  // taking over a page it has just copied changes nothing the page shows.)
  let controlled = Boolean(workers.controller);
  workers.addEventListener("controllerchange", () => {
    if (controlled) window.location.reload();
    controlled = true;
  });

  function offer(waiting) {
    if (document.querySelector(".guide-update")) return;
    const notice = document.createElement("aside");
    notice.className = "guide-update";
    notice.setAttribute("aria-label", "New version");
    const text = document.createElement("p");
    text.setAttribute("role", "status");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Show the new version";
    button.addEventListener("click", () => {
      button.disabled = true;
      waiting.postMessage("take-over");
    });
    notice.append(text, button);
    document.body.append(notice);
    // Written once the status is on the page, so that screen readers announce it.
    requestAnimationFrame(() => { text.textContent = "A new version of this guide is ready."; });
  }

  function watch(registration) {
    if (registration.waiting && workers.controller) offer(registration.waiting);
    registration.addEventListener("updatefound", () => {
      const installing = registration.installing;
      installing.addEventListener("statechange", () => {
        if (installing.state === "installed" && workers.controller) offer(installing);
      });
    });
    // The browser looks for a new version at each page opened; a page left open looks too.
    setInterval(() => registration.update().catch(() => {}), HOUR);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") registration.update().catch(() => {});
    });
  }

  // Once the page has loaded: copying the guide must not slow the first page down.
  window.addEventListener("load", () => {
    workers.register(new URL("sw.js", root), { scope: root.pathname }).then(watch, () => {});
  });
})();
