/**
 * Planning a training run of many adapters on a fixed number of slots (one GPU, or one CPU slot,
 * each): the work each adapter costs ({@link io.adapterforge.trainer.plan.AdapterWork}, read from a
 * prepared dataset's {@code report.json} by {@link
 * io.adapterforge.trainer.plan.PreparedReportWork}) and its assignment to slots by
 * longest-processing-time-first ({@link io.adapterforge.trainer.plan.TrainPlan}). Pure code: no
 * I/O, no Spark, no DJL.
 */
package io.adapterforge.trainer.plan;
