import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';

/**
 * One Apollo Client per session token: signing in, impersonating and stopping each start a new
 * client (and so an empty cache), so nothing one identity read is shown to the next.
 */
export function makeClient(token: string | null): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri: '/graphql', headers: token ? { authorization: `Bearer ${token}` } : {} }),
    cache: new InMemoryCache(),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
}
