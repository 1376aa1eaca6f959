# mice beside rcteval's multiple imputation on the same incomplete SFT-shaped trials, for
# `npx tsx bench/missing-data.bench.ts --only coverage --mice`.
# Usage: Rscript bench/missing-data-mice.R trials.csv m maxit paniter
# trials.csv: long rows rep,id,arm,visit,group,score (score NA when missing; group NA for controls).
# Prints one JSON object: per replicate the pooled 9- and 15-month ANCOVA effects, plus the time.
#
# Imputation model (choices the issue leaves open):
# - Wide layout, one row per participant: y_9m and y_15m are imputed by chained equations, each from
#   baseline, arm and the other follow-up score; the baseline is always observed. Every visit thus
#   has its own arm mean and baseline slope, as in rcteval's joint model.
# - Method 2l.pan (Schafer & Yucel's pan, via mice) with the class variable cls = the therapy group
#   for treated participants and a class of one's own for each control, and mice's default random
#   intercept (type 2 on the intercept; trt, baseline and the other score fixed, type 1). This is
#   not the partially nested model the trials were drawn from: the singleton controls get a random
#   intercept too, which with one member per class merges into their residual, so the model assumes
#   the same total variance in both arms (the group SD here is 0.15 SD, so the misfit is small).
#   The exact partially nested form -- random effect on trt only (type 2), intercept = FALSE with a
#   constant column as fixed intercept, removal of constant predictors off -- was tried: pan then
#   returned missing imputations for y_15m and mice.impute.2l.pan redraws until it gets none, so it
#   never ended. 2l.norm was not used: it gives every class its own residual variance, which
#   singleton controls cannot inform.
# - maxit 5 (mice's default) and paniter 100 (pan Gibbs iterations per call, mice's default 500) to
#   keep the run affordable; the chained equations restart pan from the current imputations, so the
#   chain length over the run is maxit x paniter per imputation.
# Analysis: per completed dataset, lm(score ~ arm + baseline) at the visit with CR2 (clubSandwich
# vcovCR, clusters = cls, i.e. therapy groups and singleton controls) and Satterthwaite df; pooled by
# Rubin's rules with mice::pool.scalar and the Barnard-Rubin df on dfcom = the first imputation's
# Satterthwaite df (as rcteval's poolFits, whose dfComplete default is the first fit's df).
suppressMessages({ library(mice); library(pan); library(clubSandwich); library(jsonlite) })
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
m <- as.integer(args[2])
maxit <- as.integer(args[3])
paniter <- as.integer(args[4])

one_rep <- function(dd, seed) {
  # Reshape on id alone: with group (NA for controls) among the idvars, reshape would merge all controls into one row.
  w <- reshape(dd[, c("id", "visit", "score")], idvar = "id", timevar = "visit", direction = "wide")
  names(w) <- sub("score.", "y_", names(w), fixed = TRUE)
  first <- dd[match(w$id, dd$id), ]
  w$arm <- first$arm; w$group <- first$group
  stopifnot(nrow(w) == length(unique(dd$id)))
  w$trt <- as.numeric(w$arm == "SFT")
  w$cls <- as.integer(factor(ifelse(is.na(w$group), paste0("c_", w$id), w$group)))
  dat <- w[, c("cls", "trt", "y_baseline", "y_9m", "y_15m")]
  meth <- c(cls = "", trt = "", y_baseline = "", y_9m = "2l.pan", y_15m = "2l.pan")
  pred <- matrix(0L, 5, 5, dimnames = list(names(dat), names(dat)))
  pred["y_9m", ] <- c(-2L, 1L, 1L, 0L, 1L)
  pred["y_15m", ] <- c(-2L, 1L, 1L, 1L, 0L)
  imp <- mice(dat, m = m, maxit = maxit, method = meth, predictorMatrix = pred, seed = seed, printFlag = FALSE, paniter = paniter)
  out <- list()
  for (v in c("9m", "15m")) {
    q <- numeric(m); u <- numeric(m); dfs <- numeric(m)
    for (l in seq_len(m)) {
      cw <- complete(imp, l)
      fd <- data.frame(score = cw[[paste0("y_", v)]], arm = factor(ifelse(cw$trt == 1, "SFT", "control"), levels = c("control", "SFT")), baseline = cw$y_baseline, cls = cw$cls)
      f <- lm(score ~ arm + baseline, data = fd)
      vc <- vcovCR(f, cluster = fd$cls, type = "CR2")
      ct <- coef_test(f, vcov = vc, test = "Satterthwaite", coefs = "armSFT")
      q[l] <- coef(f)[["armSFT"]]; u[l] <- vc["armSFT", "armSFT"]; dfs[l] <- ct$df_Satt
    }
    # pool.scalar's complete-data df is n - k.
    p <- pool.scalar(q, u, n = dfs[1] + 1, k = 1)
    half <- qt(0.975, p$df) * sqrt(p$t)
    out[[v]] <- list(estimate = p$qbar, se = sqrt(p$t), df = p$df, lower = p$qbar - half, upper = p$qbar + half, fmi = p$fmi)
  }
  out
}

t0 <- proc.time()[["elapsed"]]
reps <- sort(unique(d$rep))
res <- lapply(reps, function(r) c(list(rep = r), one_rep(d[d$rep == r, ], seed = 1000 + r)))
ms <- (proc.time()[["elapsed"]] - t0) * 1000
cat(toJSON(list(ms = ms, m = m, maxit = maxit, reps = res), auto_unbox = TRUE, digits = NA), "\n")
