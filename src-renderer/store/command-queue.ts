// Runs commands one after another. A cashier typing hotkeys fast must get lines
// in the order typed and one ticket, not one ticket per keypress.

/** Returns a function that runs tasks strictly in sequence; a failure does not block later tasks. */
export function serialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>) => {
    const result = tail.then(task, task);
    tail = result.catch(() => undefined);
    return result;
  };
}
