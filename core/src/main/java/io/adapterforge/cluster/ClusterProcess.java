package io.adapterforge.cluster;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One JVM the local cluster started. The start instant guards against pid reuse: a process is only
 * ever signalled when both its pid and its start instant match.
 *
 * @param role {@code master} or {@code worker-N}
 * @param pid the operating system process id
 * @param startedAt when the operating system says the process started (ISO-8601)
 * @param log the file its output goes to
 */
public record ClusterProcess(String role, long pid, String startedAt, String log) {
  public ClusterProcess {
    requireNonNull(role, "role is null");
    requireNonNull(startedAt, "startedAt is null");
    requireNonNull(log, "log is null");
  }

  /** The live process, if this pid still runs and is the same process that was started. */
  public Optional<ProcessHandle> handle() {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            h -> h.info().startInstant().map(i -> i.toString().equals(startedAt)).orElse(false));
  }

  static ClusterProcess of(String role, Process process, String log) {
    Instant started =
        process
            .info()
            .startInstant()
            .orElseThrow(() -> new ClusterException("Cannot read the start time of " + role));
    return new ClusterProcess(role, process.pid(), started.toString(), log);
  }
}
