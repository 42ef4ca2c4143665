package io.adapterforge.jobs;

import java.io.Serializable;
import java.util.List;

/**
 * Where one task of {@link ClusterCheckJob} ran.
 *
 * @param task the task's partition index
 * @param executorId Spark's executor id ({@code driver} in local mode)
 * @param host the executor's host name
 * @param pid the executor JVM's process id
 * @param gpus the GPU addresses Spark assigned to the task (empty without GPU scheduling)
 */
public record TaskPlacement(int task, String executorId, String host, long pid, List<String> gpus)
    implements Serializable {}
