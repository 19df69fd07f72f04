/**
 * Recovery codes, shown once: a list, "copy" (to the clipboard) and "download" (a text file made in
 * the page), and "I have saved them", which forgets them. They never outlive the dialog.
 */
import { byId, el } from '../dom.js';

export interface RecoveryBox {
  show(codes: string[]): void;
  hide(): void;
}

export function createRecoveryBox(say: (text: string) => void): RecoveryBox {
  const box = byId('recovery-box', HTMLDivElement);
  const list = byId('recovery-codes', HTMLOListElement);
  const copy = byId('recovery-copy', HTMLButtonElement);
  const download = byId('recovery-download', HTMLButtonElement);
  const done = byId('recovery-hide', HTMLButtonElement);
  let codes: string[] = [];

  const asText = (): string => `Parley recovery codes (each works once)\n\n${codes.join('\n')}\n`;

  function hide(): void {
    codes = [];
    list.replaceChildren();
    box.hidden = true;
  }

  copy.addEventListener('click', () => {
    navigator.clipboard.writeText(asText()).then(
      () => say('Copied to the clipboard.'),
      () => say('The browser did not allow copying: select the codes, or download them.'),
    );
  });
  download.addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([asText()], { type: 'text/plain' }));
    const link = el('a');
    link.href = url;
    link.download = 'parley-recovery-codes.txt';
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    say('Downloaded parley-recovery-codes.txt.');
  });
  done.addEventListener('click', () => {
    hide();
    say('');
  });

  return {
    show(next) {
      codes = [...next];
      list.replaceChildren(...codes.map((code) => el('li', 'code', code)));
      box.hidden = false;
      copy.focus();
    },
    hide,
  };
}
