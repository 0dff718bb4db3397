/**
 * Amorsize for Apache Spark.
 *
 * <p>Entry point: {@link io.amorsize.spark.AmorsizeSpark}. Before a job runs it samples a few input
 * partitions and times the user's function inside the same tasks, on the executors that read them
 * (one small job on those partitions only, never a {@code count()}; the records never travel), and
 * returns the RDD repartitioned, coalesced or unchanged as the cost model recommends. The per-task
 * overhead comes from the application's task-end events ({@link io.amorsize.spark.AmorsizeListener}). The measured profile is cached (Redis, with a local file fallback) so that the
 * next run of the same function on the same cluster costs no job at all. The cache is consulted on
 * the driver only; executors never open a connection.
 *
 * <pre>{@code
 * JavaRDD<Image> resized = AmorsizeSpark.repartitionOptimal(images, img -> resize(img))
 *         .map(img -> resize(img));
 * }</pre>
 *
 * <p>Datasets and DataFrames take the same calls ({@code repartitionOptimal(Dataset, MapFunction)},
 * {@code recommend}, {@code mapBatches(Dataset, batchFn, Encoder)}): they are sampled and measured
 * through {@code ds.rdd()}, and the cache key's input part comes from the optimized plan
 * ({@code DatasetInput}), without a job.
 *
 * <p>Configuration: {@code spark.amorsize.*} keys in the SparkConf (see {@link
 * io.amorsize.spark.SparkSettings}); optionally {@code spark.plugins=io.amorsize.spark.AmorsizePlugin}
 * to open the cache once per application, listen to task events from application start and publish
 * metrics. Scala callers pass
 * {@code rdd.toJavaRDD()}.
 */
package io.amorsize.spark;
