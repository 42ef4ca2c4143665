/**
 * The executor side of the train job ({@link io.adapterforge.jobs.TrainJob}): the settings that
 * travel to tasks ({@link io.adapterforge.train.TrainSettings}, {@link
 * io.adapterforge.train.AdapterSpec}, {@link io.adapterforge.train.SlotWork}), the partitioner that
 * gives each slot its own task ({@link io.adapterforge.train.SlotPartitioner}), the per-JVM base
 * model cache ({@link io.adapterforge.train.BaseModelCache}), Parquet rows streamed from an
 * adapter's partition folder ({@link io.adapterforge.train.ParquetExampleSource}), the task body
 * ({@link io.adapterforge.train.SlotTrainer}), its result rows ({@link
 * io.adapterforge.train.AdapterOutcome}) and the progress files the driver follows ({@link
 * io.adapterforge.train.TrainProgress}).
 */
package io.adapterforge.train;
