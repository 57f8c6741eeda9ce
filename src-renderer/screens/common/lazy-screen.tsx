// Screens a cashier's register does not need to start (the manager's reports,
// batch close, the purser's desk) load on first use, so the register's own
// bundle does not carry Chart.js, the CSV writer and the virtual list. A
// chunk that cannot be fetched (in browser mode the host serves them, and it
// may be restarting) must not take the window down: the screen says so in
// plain words and tries again on a button. Every chunk is also fetched once
// the window is idle after start (prefetchScreens), so a later host restart
// finds them in memory.

import { Component, lazy, Suspense, useState, type ComponentType, type ReactNode } from 'react';

type Loader = () => Promise<ComponentType>;

const loaders = new Set<Loader>();

/** A screen loaded on first use from `load` (which picks the named export of its module). */
export function lazyScreen(load: Loader): ComponentType {
  loaders.add(load);
  const make = () => lazy(async () => ({ default: await load() }));
  function LazyScreen() {
    // A new lazy component per retry: React keeps a failed one failed.
    const [attempt, setAttempt] = useState(() => ({ Screen: make() }));
    return (
      <ScreenLoadBoundary onRetry={() => setAttempt({ Screen: make() })}>
        <Suspense
          fallback={
            <main className="manager-screen" role="status" data-testid="screen-loading">
              Opening…
            </main>
          }
        >
          <attempt.Screen />
        </Suspense>
      </ScreenLoadBoundary>
    );
  }
  return LazyScreen;
}

/** Fetches every lazy screen's code in the background (errors are left for the screen to report when opened). */
export function prefetchScreens(): void {
  for (const load of loaders) void load().catch(() => undefined);
}

interface BoundaryProps {
  onRetry: () => void;
  children: ReactNode;
}

/** Catches a screen whose code could not be loaded (or that threw while drawing) and offers to try again. */
class ScreenLoadBoundary extends Component<BoundaryProps, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <main className="manager-screen" data-testid="screen-load-failed">
        <section className="panel">
          <p role="alert">This screen could not be opened. Check that the register is running, then try again.</p>
          <button
            type="button"
            className="btn"
            onClick={() => {
              this.setState({ failed: false });
              this.props.onRetry();
            }}
          >
            Try again
          </button>
        </section>
      </main>
    );
  }
}
