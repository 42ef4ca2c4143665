/**
 * The corpus that {@code adapterforge demo} trains on ({@link io.adapterforge.demo.DemoCorpus}):
 * five tenants in Russian and English, templated so that a tiny model learns each tenant's answers
 * within a few epochs, in all three input formats, with a few bad lines and duplicates whose fate
 * in {@code prepare} is known in advance.
 */
package io.adapterforge.demo;
