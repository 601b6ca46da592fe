// Where the reader left off, and which chapters they have read. It is kept in this
// browser only (localStorage, under the book and its edition, like the workbook's
// answers) and never sent anywhere. The home page offers "Continue reading: <chapter>",
// says where this is kept, and has one button that forgets it; the navigation marks the
// chapters read. Without this script the pages are as they would be without it.
(() => {
  const script = document.currentScript;
  const root = new URL("..", script.src);
  const key = `${script.dataset.book} ${script.dataset.edition} reading`;
  const pageOf = (url) => {
    const path = new URL(url, window.location.href).pathname;
    if (!path.startsWith(root.pathname)) return null;
    return path.slice(root.pathname.length) || "index.html";
  };

  let place = { chapter: null, title: "", section: "", read: [] };
  try {
    place = { ...place, ...JSON.parse(localStorage.getItem(key)) };
  } catch (error) { /* nothing kept yet, or no storage: the pages work as they are */ }
  const save = () => {
    try {
      localStorage.setItem(key, JSON.stringify(place));
    } catch (error) { /* nothing is kept, as the reader's browser wishes */ }
  };

  // The chapters are the pages the navigation lists, less the home page.
  const links = [...document.querySelectorAll(".sidebar-tree a.reference.internal")];
  const here = pageOf(window.location.href);
  const current = document.querySelector(".sidebar-tree .current-page > a.reference");
  const isChapter = current && here !== "index.html";

  function markRead() {
    for (const link of links) {
      const page = link === current ? here : pageOf(link.href);
      if (!place.read.includes(page) || link.querySelector(".guide-read-mark")) continue;
      const mark = document.createElement("span");
      mark.className = "guide-read-mark";
      mark.textContent = " (read)";
      link.append(mark);
      link.classList.add("guide-read");
    }
  }

  if (isChapter) {
    place.chapter = here;
    place.title = current.textContent.trim();
    save();
    // The section the reader is in: the last heading above the top third of the window.
    const sections = [...document.querySelectorAll("article section[id]")].slice(1);
    let queued = false;
    window.addEventListener("scroll", () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        const passed = sections.filter((section) => section.getBoundingClientRect().top < window.innerHeight / 3);
        const section = passed.length ? passed[passed.length - 1].id : "";
        if (section !== place.section) {
          place.section = section;
          save();
        }
      });
    }, { passive: true });
    // A chapter is read once its end has been in view.
    const end = document.querySelector(".related-pages") || document.querySelector("footer");
    if (end && "IntersectionObserver" in window) {
      const observer = new IntersectionObserver((entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        observer.disconnect();
        if (!place.read.includes(here)) place.read.push(here);
        save();
        markRead();
      });
      observer.observe(end);
    }
  }
  markRead();

  function forget() {
    try {
      localStorage.removeItem(key);
    } catch (error) { /* nothing was kept */ }
    place = { chapter: null, title: "", section: "", read: [] };
    for (const mark of document.querySelectorAll(".guide-read-mark")) {
      mark.parentElement.classList.remove("guide-read");
      mark.remove();
    }
    const box = document.querySelector(".guide-continue");
    box.replaceChildren(Object.assign(document.createElement("p"), {
      textContent: "Your place is forgotten: nothing about your reading is kept on this device now.",
    }));
    box.firstChild.setAttribute("role", "status");
  }

  if (here === "index.html") {
    if (!place.chapter) return;
    const box = document.createElement("aside");
    box.className = "guide-continue";
    box.setAttribute("aria-label", "Your reading");
    const go = document.createElement("a");
    go.href = new URL(place.chapter + (place.section ? `#${place.section}` : ""), root).href;
    go.textContent = `Continue reading: ${place.title}`;
    const link = document.createElement("p");
    link.className = "guide-continue-link";
    link.append(go);
    const note = document.createElement("p");
    note.className = "guide-continue-note";
    note.textContent = "Your place and the chapters you have read are kept in this browser only, "
      + "like your workbook answers, and are never sent anywhere.";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "guide-forget";
    button.textContent = "Forget my place";
    button.addEventListener("click", forget);
    box.append(link, note, button);
    const after = document.querySelector("article .subtitle") || document.querySelector("article h1");
    if (after) after.after(box);
  }
})();
