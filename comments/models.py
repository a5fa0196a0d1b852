# Reader comments arrive with their own issue; the app is installed so its URLs and
# migrations have a home from the start.
