// The workbook's answer boxes. What the reader types is kept in this browser
// only (localStorage, under the book and its edition) and is never sent anywhere.
// Without this script the page shows the questions, with no boxes.
(() => {
  const tools = document.querySelector(".answer-tools");
  const fields = [...document.querySelectorAll("textarea.answer-field")];
  if (!tools || !fields.length) return;
  const key = `${tools.dataset.book} ${tools.dataset.edition} answers`;

  let answers = {};
  try {
    answers = JSON.parse(localStorage.getItem(key)) || {};
  } catch (error) {
    answers = {};  // no storage (a private window may refuse it): the boxes still work
  }
  const save = () => {
    try {
      if (Object.keys(answers).length) localStorage.setItem(key, JSON.stringify(answers));
      else localStorage.removeItem(key);
    } catch (error) { /* nothing is kept, as the reader's browser wishes */ }
  };
  // The answer as printed: a box prints only what fits in it.
  const show = (field) => { field.nextElementSibling.textContent = field.value; };

  for (const field of fields) {
    field.value = answers[field.id] || "";
    show(field);
    field.addEventListener("input", () => {
      if (field.value.trim()) answers[field.id] = field.value;
      else delete answers[field.id];
      show(field);
      save();
    });
    field.parentElement.hidden = false;
  }
  tools.hidden = false;

  const question = (field) => field.labels[0].textContent.trim();
  const part = (field) => {
    const panel = field.closest(".sd-tab-content");
    return panel ? panel.previousElementSibling.textContent.trim() : "";
  };

  function markdown() {
    let text = `# ${tools.dataset.title}\n\nMy answers to the workbook.\n`;
    let heading = null;
    for (const field of fields) {
      if (part(field) !== heading) {
        heading = part(field);
        if (heading) text += `\n## ${heading}\n`;
      }
      text += `\n**${question(field)}**\n\n${field.value.trim() || "(no answer yet)"}\n`;
    }
    return text;
  }

  function download() {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([markdown()], { type: "text/markdown" }));
    link.download = `${tools.dataset.book}-answers.md`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  function clear() {
    if (!window.confirm("Clear all your answers from this device? This cannot be undone.")) return;
    answers = {};
    for (const field of fields) {
      field.value = "";
      show(field);
    }
    save();
  }

  const actions = { print: () => window.print(), download, clear };
  tools.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-answers]");
    if (button) actions[button.dataset.answers]();
  });
})();
