# mice + lmer on the benchmark trial, for bench/missing-data.bench.ts. Usage: Rscript bench/missing-data-r.R trial.csv repeats
suppressMessages({ library(mice); library(lme4) })
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
reps <- as.integer(args[2])
# Reshape on id alone: `group` is NA for every control, and as an id variable it would collapse
# all controls into one row.
w <- reshape(d[, c("id", "visit", "score")], idvar = "id", timevar = "visit", direction = "wide")
names(w) <- sub("score.", "y_", names(w), fixed = TRUE)
first <- d[!duplicated(d$id), c("id", "arm", "group")]
w <- merge(first, w, by = "id")
w$arm <- factor(w$arm, levels = c("control", "SFT"))
w$trt <- as.numeric(w$arm == "SFT")
w$group[is.na(w$group)] <- "none"
run <- function() {
  imp <- mice(w[, c("arm", "y_baseline", "y_9m", "y_15m")], m = 50, method = "norm", maxit = 20, printFlag = FALSE, seed = 1)
  est <- numeric(50); v <- numeric(50)
  for (l in 1:50) {
    cw <- cbind(w[, c("id", "group", "trt")], complete(imp, l))
    long <- rbind(data.frame(id = cw$id, group = cw$group, trt = cw$trt, arm = cw$arm, baseline = cw$y_baseline, visit = "9m", score = cw$y_9m),
                  data.frame(id = cw$id, group = cw$group, trt = cw$trt, arm = cw$arm, baseline = cw$y_baseline, visit = "15m", score = cw$y_15m))
    f <- lmer(score ~ baseline + arm * visit + (1 | id) + (0 + trt | group), data = long)
    est[l] <- fixef(f)[["armSFT"]]; v[l] <- vcov(f)[2, 2]
  }
  c(mean(est), mean(v) + (1 + 1/50) * var(est))
}
invisible(run())
times <- numeric(reps)
for (r in seq_len(reps)) times[r] <- system.time(run())[["elapsed"]]
cat(jsonlite::toJSON(list(ms = median(times) * 1000), auto_unbox = TRUE, digits = NA), "\n")
