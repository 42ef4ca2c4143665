/**
 * The Hugging Face safetensors format: an 8-byte little-endian header length, a JSON header (tensor
 * name → dtype, shape, data offsets; optional {@code __metadata__} of strings), then the raw
 * little-endian tensor data.
 *
 * <p>{@link io.adapterforge.trainer.safetensors.SafetensorsFile} reads one file and {@link
 * io.adapterforge.trainer.safetensors.SafetensorsCheckpoint} a model folder (single file or sharded
 * with {@code model.safetensors.index.json}); both read one tensor at a time, in chunks, with
 * positioned reads, so files and tensors larger than 2 GiB never pass through one Java array.
 * {@link io.adapterforge.trainer.safetensors.SafetensorsWriter} writes files laid out exactly as
 * the Hugging Face {@code safetensors} library lays them out.
 *
 * <p>DJL 0.36's PyTorch engine aborts the JVM when it creates or converts to a {@code BFLOAT16}
 * array on CPU, so BF16 data is widened to float32 (and narrowed on write) here, in Java.
 */
package io.adapterforge.trainer.safetensors;
