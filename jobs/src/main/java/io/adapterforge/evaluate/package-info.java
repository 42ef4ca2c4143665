/**
 * Executor side of the evaluate job: {@link io.adapterforge.evaluate.EvalTask} runs one {@link
 * io.adapterforge.evaluate.EvalWork} per scorer (the bare base model, each adapter, the averaged
 * mixture, the current production version) on the executor's cached base model, and returns only
 * aggregated losses and generated token ids to the driver.
 */
package io.adapterforge.evaluate;
