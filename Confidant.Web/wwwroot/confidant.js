// Small browser helpers called from Blazor components through JS interop.
window.confidant = {
  // The IANA time zone of the browser, so dates can be shown in the person's local time.
  timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
  // Copies text to the clipboard; resolves to false where the browser refuses.
  copyText: async (text) => {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      return false;
    }
  },
};
