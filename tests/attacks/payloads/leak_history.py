print("IN", In)
print("IH", _ih)
print("OUT", Out)
print("HISTORY", list(get_ipython().history_manager.get_range(raw=True)))
