import * as df from 'durable-functions';

export function sayHello(city: string): string {
  return `Hello, ${city}!`;
}

df.app.activity('sayHello', { handler: (city: string) => sayHello(city) });
