/**
 * Reading model folders wherever they live: a local path, or any Hadoop FileSystem URI ({@code
 * hdfs://}, {@code s3a://}, {@code abfs://}, …) when Hadoop is on the classpath, as it is under
 * Spark.
 *
 * <p>{@link io.adapterforge.trainer.storage.StorageDirectory} names a folder; {@link
 * io.adapterforge.trainer.storage.ByteSource} gives positioned reads of one file, so large files
 * are read piece by piece at 64-bit offsets and never through one Java array.
 */
package io.adapterforge.trainer.storage;
