class Carts:
    name = "carts"
    hubspot_prefix = ""
    def wants(self, topic): return topic.startswith("checkouts/")
    def run(self, ctx): pass
