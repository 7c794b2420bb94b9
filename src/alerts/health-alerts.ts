// Wires the health monitor's events to alerts: a thread going stalled or frozen raises `stall`
// (`start-timeout` when it never sent a first heartbeat within STARTUP_TIMEOUT; a thread that is
// still `starting` raises nothing),
// the verdict turning UNHEALTHY raises `unhealthy`. Recovery clears the cooldown, so a relapse
// alerts at once instead of hiding behind the previous episode's cooldown. The supervisor's own
// stall/restart alerts for the same thread share the kind+subject, so the cooldown de-duplicates.
import type { Disposable } from '../health/event.js';
import type { HealthMonitor } from '../health/health-monitor.js';
import type { AlertDispatcher } from './alert-dispatcher.js';

export type HealthEvents = Pick<HealthMonitor, 'onThreadStateChange' | 'onVerdictChange'>;
export type AlertSink = Pick<AlertDispatcher, 'dispatch' | 'resetCooldown'>;

export function connectHealthAlerts(monitor: HealthEvents, alerts: AlertSink): Disposable {
  const threads = monitor.onThreadStateChange((change) => {
    if (change.current === 'stalled' || change.current === 'frozen') {
      // "thread scanner stalled: no heartbeat for 3.1 s" -> "no heartbeat for 3.1 s"
      const reason = change.reason ?? change.current;
      const colon = reason.indexOf(': ');
      alerts.dispatch({
        kind: change.startTimedOut ? 'start-timeout' : 'stall',
        subject: change.thread,
        message: colon >= 0 ? reason.slice(colon + 2) : reason,
        details: { state: change.current, silent_for_ms: change.silentForMs },
      });
    } else if (change.current === 'running') {
      alerts.resetCooldown('stall', change.thread);
    } else if (change.current === 'starting') {
      // Restarted: its next start-up gets its own verdict (and alert) instead of the cooldown's silence.
      alerts.resetCooldown('start-timeout', change.thread);
    }
  });
  const verdicts = monitor.onVerdictChange((change) => {
    if (change.current.status === 'UNHEALTHY') {
      alerts.dispatch({
        kind: 'unhealthy',
        subject: 'bot',
        message: change.current.reasons.join('; '),
        details: { previous: change.previous.status },
      });
    } else if (change.current.status === 'HEALTHY') {
      alerts.resetCooldown('unhealthy', 'bot');
    }
  });
  return {
    dispose: () => {
      threads.dispose();
      verdicts.dispose();
    },
  };
}
