// Pages of the web app; everything but set-up and sign-in sits behind a session.
import { createBrowserRouter } from 'react-router';
import { AppLayout } from './ui/AppLayout.tsx';
import { RequireSession } from './ui/RequireSession.tsx';
import { LifecyclePage } from './pages/LifecyclePage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { PersonasPage } from './pages/PersonasPage.tsx';
import { ContactDetailPage } from './pages/ContactDetailPage.tsx';
import { ContactsPage } from './pages/ContactsPage.tsx';
import { JourneyEditorPage } from './pages/JourneyEditorPage.tsx';
import { JourneysPage } from './pages/JourneysPage.tsx';
import { NewJourneyPage } from './pages/NewJourneyPage.tsx';
import { ExperimentsPage } from './pages/experiments/ExperimentsPage.tsx';
import { InboxPage } from './pages/InboxPage.tsx';
import { TemplatesPage } from './pages/TemplatesPage.tsx';
import { SettingsPage } from './pages/SettingsPage.tsx';
import { SetupPage } from './pages/SetupPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';

export const router = createBrowserRouter([
  { path: '/setup', element: <SetupPage /> },
  { path: '/sign-in', element: <SignInPage /> },
  {
    element: <RequireSession />,
    children: [
      {
        element: <AppLayout />,
        children: [
          { index: true, element: <LifecyclePage /> },
          // The dashboard brings Recharts: loaded when first opened.
          { path: 'dashboard', lazy: () => import('./pages/DashboardPage.tsx').then((m) => ({ Component: m.DashboardPage })) },
          { path: 'journeys', element: <JourneysPage /> },
          { path: 'journeys/new', element: <NewJourneyPage /> },
          { path: 'journeys/:id', element: <JourneyEditorPage /> },
          { path: 'templates', element: <TemplatesPage /> },
          // The template editor brings CodeMirror: loaded when first opened, not with every page.
          { path: 'templates/:id', lazy: () => import('./pages/TemplateEditorPage.tsx').then((m) => ({ Component: m.TemplateEditorPage })) },
          { path: 'templates/partials/:key', lazy: () => import('./pages/TemplateEditorPage.tsx').then((m) => ({ Component: m.PartialEditorPage })) },
          { path: 'contacts', element: <ContactsPage /> },
          { path: 'contacts/:id', element: <ContactDetailPage /> },
          { path: 'personas', element: <PersonasPage /> },
          { path: 'experiments', element: <ExperimentsPage /> },
          // An experiment's page brings Recharts: loaded when first opened.
          { path: 'experiments/:id', lazy: () => import('./pages/experiments/ExperimentPage.tsx').then((m) => ({ Component: m.ExperimentPage })) },
          { path: 'inbox', element: <InboxPage /> },
          // Deliverability brings Recharts: loaded when first opened.
          { path: 'deliverability', lazy: () => import('./pages/DeliverabilityPage.tsx').then((m) => ({ Component: m.DeliverabilityPage })) },
          { path: 'settings', element: <SettingsPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
