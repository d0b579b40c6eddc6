// The page a browser gets at `/`: what this server is and how to connect (S3 clients keep getting ListBuckets XML).
import type { Config } from './config.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * True for a browser's plain `GET /`: it accepts text/html and carries no AWS credentials (an S3 client's
 * ListBuckets is signed, by header or query, and never asks for HTML).
 */
export function wantsLandingPage(method: string, rawTarget: string, headers: Headers): boolean {
  if (method !== 'GET' || rawTarget !== '/') return false;
  if (headers.has('authorization')) return false;
  return (headers.get('accept') ?? '').toLowerCase().includes('text/html');
}

/** The landing page: endpoints, where the credentials are, links to /healthz and /metrics. */
export function landingPage(config: Config, version: string): string {
  const u = esc(config.publicUrl);
  const row = (name: string, url: string, how: string) => `<tr><th>${name}</th><td><code>${esc(url)}</code></td><td>${how}</td></tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>skybridge</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}th,td{text-align:left;padding:.3rem .8rem .3rem 0;vertical-align:top}code{background:#f3f3f3;padding:0 .2rem}</style>
</head><body>
<h1>skybridge ${esc(version)}</h1>
<p>OpenStack and AWS S3 APIs on one port, region <code>${esc(config.region)}</code>.</p>
<table>
${row('Identity (Keystone v3)', `${config.publicUrl}/identity/v3`, 'the auth URL for <code>openstack</code>, openstacksdk, gophercloud (clouds.yaml in the data directory)')}
${row('Image (Glance v2)', `${config.publicUrl}/image`, 'from the Keystone catalog')}
${row('Object storage (Swift v1)', `${config.publicUrl}/object/v1/AUTH_<project id>`, 'from the Keystone catalog; <code>swift</code>, rclone, restic')}
${row('S3', config.publicUrl, 'path-style; <code>aws --endpoint-url ' + u + ' s3 ls</code> with the keys in <code>aws.env</code>')}
${row('Health', `${config.publicUrl}/healthz`, '<a href="/healthz">/healthz</a>')}
${row('Metrics', `${config.publicUrl}/metrics`, '<a href="/metrics">/metrics</a> (Prometheus text format)')}
</table>
<p>The first start printed the admin and demo passwords; they are kept in <code>clouds.yaml</code>, <code>aws.env</code> and <code>aws/</code> in the data directory.</p>
</body></html>
`;
}
