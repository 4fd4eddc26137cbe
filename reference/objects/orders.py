class Orders:
    name = "orders"
    hubspot_prefix = ""
    def wants(self, topic): return topic.startswith("orders/")
    def run(self, ctx): pass
