// A promise and the function that settles it: lets a test hold a request (or a reply) and release
// it at the point where it wants a race to interleave, instead of hoping load or a sleep does it.
export interface Gate {
  readonly opened: Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}
