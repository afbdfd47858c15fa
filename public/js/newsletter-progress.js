// Progressive enhancement of the newsletter page while it is sending: without JavaScript the page
// reloads itself (a <meta http-equiv="refresh"> inside <noscript>); with it, this script polls the
// figures every 3 seconds and updates the bar and its text in place, and reloads the page only when
// the newsletter's status changes (sent, paused), so the actions and the table match the new state.
(() => {
  const section = document.getElementById('newsletter-progress');
  if (!(section instanceof HTMLElement)) return;
  const url = section.dataset.progressUrl;
  const status = section.dataset.status;
  const bar = document.getElementById('newsletter-progress-bar');
  const text = document.getElementById('newsletter-progress-text');
  if (!url || !(bar instanceof HTMLProgressElement) || !text) return;

  const INTERVAL_MS = 3000;
  let failures = 0;

  async function poll() {
    try {
      const response = await fetch(url, {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const p = await response.json();
      failures = 0;
      bar.max = Math.max(p.total, 1);
      bar.value = p.sent;
      bar.textContent = p.text;
      if (text.textContent !== p.text) text.textContent = p.text;
      if (p.status !== status) {
        window.location.reload();
        return;
      }
    } catch {
      // A network hiccup: keep trying a few times, then fall back to reloading the page.
      failures += 1;
      if (failures >= 5) {
        window.location.reload();
        return;
      }
    }
    window.setTimeout(poll, INTERVAL_MS);
  }

  window.setTimeout(poll, INTERVAL_MS);
})();
