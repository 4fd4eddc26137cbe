// Receives one webhook and checks it with Shopify's own library (@shopify/shopify-api webhooks.validate).
// Usage: node verify_webhook.mjs CLIENT_SECRET  -> prints {"port": N}, then the validation result of the first POST.
import '@shopify/shopify-api/adapters/node';
import {shopifyApi, ApiVersion} from '@shopify/shopify-api';
import http from 'node:http';

const shopify = shopifyApi({
  apiKey: 'shopsync-sync-app', apiSecretKey: process.argv[2], hostName: '127.0.0.1',
  apiVersion: ApiVersion.October25, isEmbeddedApp: false, logger: {level: 0},
});

const server = http.createServer((req, res) => {
  let rawBody = '';
  req.on('data', (chunk) => { rawBody += chunk; });
  req.on('end', async () => {
    const check = await shopify.webhooks.validate({rawBody, rawRequest: req, rawResponse: res});
    console.log(JSON.stringify(check));
    res.statusCode = check.valid ? 200 : 401;
    res.end();
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({port: server.address().port})));
