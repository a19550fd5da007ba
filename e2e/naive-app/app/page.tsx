'use client';

import { useEffect, useState } from 'react';

export default function Page() {
  const [state, setState] = useState('connecting');
  const [last, setLast] = useState<number | null>(null);
  const [received, setReceived] = useState(0);

  useEffect(() => {
    const source = new EventSource('/api/events');
    source.onopen = () => setState('open');
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    source.onmessage = (event: MessageEvent<string>) => {
      setLast((JSON.parse(event.data) as { n: number }).n);
      setReceived((count) => count + 1);
    };
    return () => source.close();
  }, []);

  return (
    <main>
      <p>
        Stream: <span data-testid="state">{state}</span>
      </p>
      <p>
        Latest value: <span data-testid="last">{last ?? '–'}</span> (<span data-testid="received">{received}</span>{' '}
        received)
      </p>
    </main>
  );
}
