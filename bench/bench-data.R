# What the R benchmark scripts share: the CSV a JavaScript worker wrote (bench/worker.ts: the
# response, arm, the visit or week, id, group and the treated arm's indicator) with arm and the
# time column as factors, and the number of repeats. Usage: Rscript <script> data.csv repeats
bench_data <- function(time) {
  args <- commandArgs(trailingOnly = TRUE)
  d <- read.csv(args[1], colClasses = c("numeric", "character", "character", "character", "character", "numeric"))
  d$arm <- factor(d$arm, levels = c("0", "1"))
  d[[time]] <- factor(d[[time]], levels = sort(unique(d[[time]])))
  list(d = d, reps = as.integer(args[2]))
}
