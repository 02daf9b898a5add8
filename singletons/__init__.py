"""Settings tables that hold one row: one model, one read path, one update helper.

Below every project app in the dependency order: it imports none of them.
"""
