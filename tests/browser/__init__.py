# Browser end-to-end tests: Debian's Chromium drives the sao web client of a
# throwaway trytond (see harness.py). Run by tests/run.py --browser.
