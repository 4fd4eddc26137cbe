// Shopify's official @shopify/admin-api-client, unmodified, against the fake Shopify.
// The client always builds https://{storeDomain}/admin/api/{version}/graphql.json; its documented
// `customFetchApi` hook sends that request to the fake's path form instead (the host names the shop).
// Usage: node admin_api_client.mjs BASE_URL TOKEN  -> prints one JSON object with what it saw.
import {createAdminApiClient} from '@shopify/admin-api-client';

const [base, token] = process.argv.slice(2);
const client = createAdminApiClient({
  storeDomain: 'demo.myshopify.com',
  apiVersion: '2026-10',
  accessToken: token,
  customFetchApi: (url, init) => {
    const target = new URL(url);
    const shop = target.hostname.replace('.myshopify.com', '');
    return fetch(`${base}/shops/${shop}${target.pathname}`, init);
  },
});

const created = await client.request(
  `mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { id email } userErrors { field message } } }`,
  {variables: {input: {email: 'js@example.com', firstName: 'Js'}}},
);
const listed = await client.request(
  `query Pull($q: String) { customers(first: 5, query: $q) { nodes { id firstName } } }`,
  {variables: {q: 'email:js@example.com'}},
);
const invalid = await client.request(`{ customers(first: 1) { nodes { shoeSize } } }`);
console.log(JSON.stringify({created: created.data, listed: listed.data, cost: listed.extensions?.cost,
  invalid: invalid.errors}));
