# The same fit in R with lme4, for the benchmark. Usage: Rscript bench/lmm-r.R data.csv repeats
suppressMessages(library(lme4))
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), "bench-data.R"))
b <- bench_data("visit"); d <- b$d; reps <- b$reps
# One untimed fit first (as the JavaScript worker does), for data up to 500,000 rows.
if (nrow(d) <= 500000) invisible(lmer(score ~ arm * visit + (1 | id) + (0 + trt | group), data = d, REML = TRUE))
times <- numeric(reps)
for (r in seq_len(reps)) {
  gc()
  times[r] <- system.time(m <- lmer(score ~ arm * visit + (1 | id) + (0 + trt | group), data = d, REML = TRUE))[["elapsed"]]
}
cat(jsonlite::toJSON(list(fitMs = median(times) * 1000, remlCriterion = REMLcrit(m),
  fixed = unname(fixef(m)), se = unname(sqrt(diag(as.matrix(vcov(m))))), nRows = nrow(d)), digits = NA, auto_unbox = TRUE), "\n")
