// The calendar feed page's "Kopiér adressen" button: shown only when this script runs. Without it
// the address stands in a read-only field the person selects and copies by hand.
document.addEventListener('DOMContentLoaded', () => {
  for (const button of document.querySelectorAll('button[data-copy-target]')) {
    const field = document.getElementById(button.dataset.copyTarget);
    const status = document.getElementById(button.dataset.copyStatus);
    if (!(field instanceof HTMLInputElement) || !status) continue;
    const say = (text) => {
      // Emptied first so the live region announces the same text again after a second click.
      status.textContent = '';
      window.setTimeout(() => {
        status.textContent = text;
      }, 50);
    };
    button.hidden = false;
    // A tap in the field selects the whole address, ready to copy.
    field.addEventListener('focus', () => field.select());
    button.addEventListener('click', async () => {
      try {
        // The Clipboard API exists only on https and localhost; elsewhere the address is selected.
        if (!navigator.clipboard) throw new Error('no clipboard');
        await navigator.clipboard.writeText(field.value);
        say(button.dataset.copied);
      } catch {
        field.focus();
        field.select();
        say(button.dataset.copyFailed);
      }
    });
  }
});
