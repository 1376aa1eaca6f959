# The Kenward-Roger step in R (lmerTest calling pbkrtest), for the benchmark. Usage: Rscript bench/kr-r.R data.csv repeats
suppressMessages({ library(lme4); library(lmerTest) })
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), "bench-data.R"))
b <- bench_data("visit"); d <- b$d; reps <- b$reps
f <- score ~ arm * visit + (1 | id) + (0 + trt | group)
m <- lme4::lmer(f, data = d, REML = TRUE)
invisible(coef(summary(as_lmerModLmerTest(m), ddf = "Kenward-Roger")))  # untimed, as the JavaScript worker warms up
cpu <- function(t) t[["user.self"]] + t[["sys.self"]]  # CPU time, as the JavaScript worker measures
fit <- numeric(reps); kr <- numeric(reps)
for (r in seq_len(reps)) {
  gc(); fit[r] <- cpu(system.time(m <- lme4::lmer(f, data = d, REML = TRUE)))
  gc(); kr[r] <- cpu(system.time(ct <- coef(summary(as_lmerModLmerTest(m), ddf = "Kenward-Roger"))))
}
cat(jsonlite::toJSON(list(fitMs = median(fit) * 1000, krMs = median(kr) * 1000,
  df = unname(ct["arm1:visit1", "df"]), se = unname(ct["arm1:visit1", "Std. Error"]), nRows = nrow(d)), digits = NA, auto_unbox = TRUE), "\n")
