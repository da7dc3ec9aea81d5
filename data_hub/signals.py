from django.dispatch import Signal

# Sent inside the transaction that stores an extract's results (processing or
# re-stratification), with `extract` and `actor`. The quality app connects a receiver that
# queues its own job in that transaction.
extract_results_stored = Signal()
