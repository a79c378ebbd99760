/** The dashboard's place in the URL fragment: `#/sagas?status=Failed`, so a link reproduces the view. */
export interface Route {
  page: 'overview' | 'sagas' | 'order' | 'audit';
  /** The order page's order id. */
  orderId?: string;
  params: URLSearchParams;
}

export function currentRoute(hash = location.hash): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?', 2);
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'sagas') return { page: 'sagas', params };
  if (parts[0] === 'orders' && parts[1]) return { page: 'order', orderId: decodeURIComponent(parts[1]), params };
  if (parts[0] === 'audit') return { page: 'audit', params };
  return { page: 'overview', params };
}

export function href(page: Route['page'], params?: URLSearchParams | Record<string, string>, orderId?: string): string {
  const q = new URLSearchParams(params);
  const query = q.toString() ? `?${q.toString()}` : '';
  if (page === 'order') return `#/orders/${encodeURIComponent(orderId ?? '')}${query}`;
  return `#/${page === 'overview' ? '' : page}${query}`;
}
