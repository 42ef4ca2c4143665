/**
 * The prepare stage as library code: raw JSONL chat corpora in, the prepared dataset out (token
 * ids, loss labels, rejects with reasons, a report). {@link
 * io.adapterforge.preprocessing.PreparePipeline} composes the steps of the sub-packages; every step
 * is a pure {@code Dataset -> Dataset} function or row-level code, with no I/O of its own except
 * reading the input files.
 */
package io.adapterforge.preprocessing;
