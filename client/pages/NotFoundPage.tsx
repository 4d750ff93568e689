// Shown for an address the app does not know.
import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';
import { PageHeader } from '../ui/PageHeader.tsx';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <Text>
        There is nothing at this address.{' '}
        <Anchor component={Link} to="/">
          Go to the lifecycle matrix
        </Anchor>
      </Text>
    </>
  );
}
