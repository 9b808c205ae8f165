// A "Print" button for pages made for printing: shown only when this script runs (without it, the page tells
// people to use their browser's Print command), and it opens the browser's print dialogue.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
});
