"""``make bench``: the figures a reviewer asks for, measured in one run on this machine.

Cold start per handler (as a ratio to a floor measured in the same run), AWS and Stripe calls
per operation, warm latency against in-process moto, and a load test on the local stack.
Figures only: nothing here asserts a time.
"""
