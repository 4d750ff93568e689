// Journeys as files: export downloads the journey's JSON file; import reads one and opens the new journey.
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useNavigate } from 'react-router';
import { errorMessage, useTRPC } from '../api/trpc.ts';

export function journeyFileName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${slug || 'journey'}.kairos.json`;
}

function download(fileName: string, content: unknown): void {
  const blob = new Blob([`${JSON.stringify(content, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function useExportJourney() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    async (id: string, name: string) => {
      try {
        const file = await queryClient.fetchQuery({ ...trpc.journeys.exportFile.queryOptions({ id }), staleTime: 0 });
        download(journeyFileName(name), file);
      } catch (error) {
        notifications.show({ color: 'red', title: 'Export failed', message: errorMessage(error) });
      }
    },
    [queryClient, trpc],
  );
}

export function useImportJourney() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const mutation = useMutation(trpc.journeys.importFile.mutationOptions());
  // A refused file can name many problems: the page shows them in a dialog, not a passing notification.
  const [failure, setFailure] = useState<{ fileName: string; message: string } | null>(null);
  const importJourney = useCallback(
    async (file: File | null) => {
      if (!file) return;
      setFailure(null);
      let content: unknown;
      try {
        content = JSON.parse(await file.text());
      } catch {
        setFailure({ fileName: file.name, message: 'This file is not JSON. Choose a journey file exported from Kairos.' });
        return;
      }
      try {
        const { id } = await mutation.mutateAsync({ file: content });
        void queryClient.invalidateQueries(trpc.journeys.list.pathFilter());
        void queryClient.invalidateQueries(trpc.lifecycle.matrix.pathFilter());
        notifications.show({ color: 'teal', title: 'Journey imported', message: `${file.name} is now a draft journey.` });
        navigate(`/journeys/${id}`);
      } catch (error) {
        setFailure({ fileName: file.name, message: errorMessage(error) });
      }
    },
    [mutation, navigate, queryClient, trpc],
  );
  return { importJourney, importing: mutation.isPending, failure, dismissFailure: () => setFailure(null) };
}
