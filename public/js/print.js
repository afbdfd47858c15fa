// The report's "Udskriv" button: shown only when this script runs; printing is the browser's.
document.addEventListener('DOMContentLoaded', () => {
  for (const button of document.querySelectorAll('[data-print]')) {
    button.hidden = false;
    button.addEventListener('click', () => window.print());
  }
});
