// Progressive enhancement only: every page works without this file.
document.addEventListener('DOMContentLoaded', () => {
  // DKFDS components (accordions, tooltips, character limits). The header's mobile drawer is not
  // used: Nærnet's navigation is plain links that wrap on small screens, so it works without JS.
  if (window.DKFDS && typeof window.DKFDS.init === 'function') {
    try {
      window.DKFDS.init();
    } catch (err) {
      console.warn('DKFDS.init failed', err);
    }
  }
  // Move focus to the error summary so screen readers announce the problems first.
  const summary = document.querySelector('.error-summary');
  if (summary instanceof HTMLElement) summary.focus();
});
